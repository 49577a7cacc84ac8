// The local tools run on Node 20, where the AWS SDK warns about its 2027 Node 22 requirement on every start;
// Lambda runs Node 22+, so the warning tells a local user nothing they can act on. Import this module first.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
