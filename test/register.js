// Lets node (and worker threads started by tests) load the TypeScript sources directly; type
// checking is `npm run lint`'s job. uvu itself uses -r ts-node/register/transpile-only.
require('ts-node').register({ transpileOnly: true, project: require('path').join(__dirname, '..', 'tsconfig.json') });
