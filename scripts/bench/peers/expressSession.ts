import { RedisStore } from 'connect-redis';
import express from 'express';
import session from 'express-session';
import { createClient } from 'redis';

/**
 * What a Node developer would build instead of sessiond on Redis: express-session with
 * connect-redis, answering the same requests (login → session in Redis, whoami: cookie → session
 * lookup in Redis → JSON). Run as its own process: `node expressSession.js HOST PORT REDIS_URL`.
 */
const [host, port, redisUrl] = process.argv.slice(2);
const client = createClient({ url: redisUrl });
await client.connect();
const app = express();
app.use(express.urlencoded({ extended: false }));
app.use(session({
  store: new RedisStore({ client, prefix: 'express-session:' }),
  secret: 'bench-secret',
  resave: false,
  saveUninitialized: false,
  cookie: { httpOnly: true, maxAge: 3_600_000 },
}));
declare module 'express-session' {
  interface SessionData {
    user: string;
  }
}
app.post('/ajax/login', (req, res) => {
  req.session.user = String(req.body.name);
  req.session.save(() => res.json({ session: req.sessionID, user: req.session.user }));
});
app.get('/ajax/system', (req, res) => {
  if (!req.session.user) res.status(401).json({ error: 'no session' });
  else res.json({ session: req.sessionID, user: req.session.user });
});
app.listen(Number(port), host, () => process.stdout.write(`express-session peer ready on ${host}:${port}\n`));
