#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm install` (the `prepare` script).
import('../dist/cli/main.js')
  .then((m) => m.main(process.argv))
  .catch((err) => {
    if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js')) {
      process.stderr.write(
        'stripe-elt: not built yet. Run `npm install` (or `npm run build`) in the package directory first.\n',
      );
    } else {
      process.stderr.write(`stripe-elt: ${err && err.stack ? err.stack : err}\n`);
    }
    process.exit(2);
  });
