// Imported first by the local entry points. The pinned AWS SDK runs on this machine's Node 20
// and on Lambda's Node 22 alike; its notice about releases after January 2027 is noise here.
// Set before any SDK client exists (ES modules evaluate imports in order).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
