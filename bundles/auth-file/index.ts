import { CLI_COMMANDS } from '../../core/cliCommands.js';
import { contribution } from '../../core/extensionPoint.js';
import { defineBundle } from '../../core/bundle.js';
import { AUTHENTICATION_SERVICE } from './api.js';
import { addPasswdCommand } from './passwdCommand.js';
import { FileAuthenticator } from './userFile.js';

const USERS_FILE = 'users.properties';

export default defineBundle({
  name: 'auth-file',
  version: '1.0.0',
  description: 'Authentication against config/users.properties (name=scrypt hash)',
  provides: [AUTHENTICATION_SERVICE],
  deps: {},
  contributes: [contribution(CLI_COMMANDS, addPasswdCommand)],
  start(_services, ctx) {
    const file = ctx.files.file(USERS_FILE);
    const auth = new FileAuthenticator(file?.entries ?? []);
    if (auth.size === 0) ctx.logger.warn(`no users in ${USERS_FILE}: nobody can log in (add lines made by "oxk passwd NAME")`);
    else ctx.logger.info(`${auth.size} user(s) from ${USERS_FILE}`);
    ctx.register(AUTHENTICATION_SERVICE, auth);
  },
});
