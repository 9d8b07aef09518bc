/**
 * Secret redaction for anything that leaves the process (logs, errors, metrics). Stripe keys are
 * recognisable by prefix (docs.stripe.com/keys: sk_, rk_, and whsec_ for webhook secrets); passwords hide
 * in connection URLs (`postgres://user:secret@host`).
 */
const STRIPE_KEY = /\b(sk|rk)_(test|live)_[A-Za-z0-9_]{4,}/g;
const WEBHOOK_SECRET = /\bwhsec_[A-Za-z0-9]{4,}/g;
const URL_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^:/?#@\s]*:)([^@/?#\s]+)@/gi;
const PASSWORD_PARAM = /\b(password|passwd|pwd)=([^&\s]+)/gi;

/** Keep the mode and the last 4 characters so a user can tell which key was used. */
function maskKey(key: string): string {
  const m = /^(sk|rk)_(test|live)_/.exec(key);
  return m ? `${m[0]}****${key.slice(-4)}` : '****';
}

export function redactSecrets(text: string): string {
  return text
    .replace(STRIPE_KEY, (k) => maskKey(k))
    .replace(WEBHOOK_SECRET, 'whsec_****')
    .replace(URL_PASSWORD, '$1****@')
    .replace(PASSWORD_PARAM, '$1=****');
}
