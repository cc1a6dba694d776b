// The whole extension: start `actuator-lint server` for the files it reads. Everything else
// (diagnostics across files, quick fixes, fix-all, hover) comes from the server.
const { workspace } = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');

let client;

exports.activate = async function () {
  const config = workspace.getConfiguration('actuator-lint');
  const server = { command: config.get('path', 'actuator-lint'), args: ['server', ...config.get('args', [])] };
  client = new LanguageClient('actuator-lint', 'actuator-lint', server, {
    documentSelector: [
      { scheme: 'file', pattern: '**/*.{gradle,kts,toml,xml,yml,yaml,properties,json,env}' },
      { scheme: 'file', pattern: '**/Dockerfile*' },
    ],
    // Files changed outside the editor (git checkout, a generator) re-lint too.
    synchronize: { fileEvents: workspace.createFileSystemWatcher('**/*') },
  });
  await client.start();
};

exports.deactivate = () => (client ? client.stop() : undefined);
