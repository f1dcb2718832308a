// A real OpenID provider for the tests: the npm package oidc-provider (OpenID
// Certified), on the loopback, with users, clients and signing keys from a JSON file.
//
//   node provider.mjs CONFIG.json        prints "ready" once it listens
//
// CONFIG: {modules, port, issuer, keys: [private JWK…], clients: [...], users: {id:
// {password, claims}}, claimNames: [...]}; modules is the folder holding node_modules.
//
// Test-only knobs (this provider exists for the tests; none of this is in the app):
//   POST /test/configure {keys?, clients?, users?}  replace them (new keys: a rotation)
//   POST /test/next-login {account | cancel}         the next sign-in needs no form
//   POST /test/mutate {set, remove, replayNonce, signWith}
//                                                   change the next ID token, re-signed
//   GET  /test/stats                                 how often /jwks and /token were asked
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const lib = (...parts) => pathToFileURL(path.join(config.modules, 'node_modules', ...parts)).href;
const { default: Provider } = await import(lib('oidc-provider', 'lib', 'index.js'));
const jose = await import(lib('jose', 'dist', 'webapi', 'index.js'));

const state = {
  keys: config.keys, clients: config.clients, users: config.users,
  nextLogin: null, mutation: null, nonces: [], stats: { jwks: 0, token: 0 },
};
let provider = build();

function build() {
  const standard = ['sub', 'email', 'email_verified'];
  const made = new Provider(config.issuer, {
    clients: state.clients,
    jwks: { keys: state.keys },
    findAccount: async (_ctx, sub) => (state.users[sub]
      ? { accountId: sub, claims: async () => ({ sub, ...state.users[sub].claims }) }
      : undefined),
    claims: {
      openid: ['sub'],
      email: ['email', 'email_verified'],
      profile: config.claimNames.filter((n) => !standard.includes(n)),
    },
    conformIdTokenClaims: false, // claims in the ID token, as the big providers send them
    features: { devInteractions: { enabled: false }, rpInitiatedLogout: { enabled: true } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    cookies: { keys: ['academy-test-provider'] },
    responseTypes: ['code'],
  });
  made.use(interactions);
  made.use(tokens);
  return made;
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

function page(uid, error) {
  return `<!doctype html><html lang="en"><head><title>Test provider: sign in</title></head><body>
<main><h1>Company sign-in (test provider)</h1>${error ? `<p role="alert">${error}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label>User <input name="login" autocomplete="username"></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/cancel"><button type="submit">Cancel</button></form>
</main></body></html>`;
}

async function finish(ctx, result) {
  await provider.interactionFinished(ctx.req, ctx.res, result, { mergeWithLastSubmission: false });
  ctx.respond = false;
}

async function signIn(ctx, details, accountId) {
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  await finish(ctx, { login: { accountId }, consent: { grantId } });
}

const refused = { error: 'access_denied', error_description: 'the person cancelled' };

async function interactions(ctx, next) {
  const match = ctx.path.match(/^\/interaction\/([^/]+)(?:\/(login|cancel))?$/);
  if (!match) return next();
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (ctx.method === 'GET') {
    const planned = state.nextLogin;
    state.nextLogin = null;
    if (planned && planned.cancel) return finish(ctx, refused);
    if (planned) return signIn(ctx, details, planned.account);
    ctx.type = 'html';
    ctx.body = page(details.uid);
    return undefined;
  }
  if (match[2] === 'cancel') return finish(ctx, refused);
  const form = new URLSearchParams(await body(ctx.req));
  const user = state.users[form.get('login')];
  if (!user || user.password !== form.get('password')) {
    ctx.type = 'html';
    ctx.body = page(details.uid, 'Wrong user or password');
    return undefined;
  }
  return signIn(ctx, details, form.get('login'));
}

function payloadOf(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

async function tokens(ctx, next) {
  if (ctx.path === '/jwks') state.stats.jwks += 1;
  if (ctx.path === '/token') state.stats.token += 1;
  await next();
  if (ctx.path !== '/token' || ctx.status !== 200 || !ctx.body || !ctx.body.id_token) return;
  const claims = payloadOf(ctx.body.id_token);
  const previous = state.nonces.at(-1);
  state.nonces.push(claims.nonce);
  const mutation = state.mutation;
  if (!mutation) return;
  state.mutation = null;
  Object.assign(claims, mutation.set || {});
  for (const name of mutation.remove || []) delete claims[name];
  if (mutation.replayNonce) claims.nonce = previous;
  const jwk = mutation.signWith || state.keys[0];
  const key = await jose.importJWK(jwk, 'RS256');
  ctx.body.id_token = await new jose.SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid: mutation.kid || jwk.kid })
    .sign(key);
}

async function knobs(req, res) {
  const json = (status, value) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(value));
  };
  if (req.method === 'GET' && req.url === '/test/stats') return json(200, state.stats);
  const data = JSON.parse((await body(req)) || '{}');
  if (req.url === '/test/configure') {
    for (const name of ['keys', 'clients', 'users']) if (data[name]) state[name] = data[name];
    provider = build();
    return json(200, { ok: true });
  }
  if (req.url === '/test/next-login') { state.nextLogin = data; return json(200, { ok: true }); }
  if (req.url === '/test/mutate') { state.mutation = data; return json(200, { ok: true }); }
  return json(404, { error: 'no such knob' });
}

const server = http.createServer((req, res) => {
  if (req.url.startsWith('/test/')) {
    knobs(req, res).catch((error) => { res.writeHead(500); res.end(String(error)); });
    return;
  }
  provider.callback()(req, res);
});
server.listen(config.port, '127.0.0.1', () => { process.stdout.write('ready\n'); });
