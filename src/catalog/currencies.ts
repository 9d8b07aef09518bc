/**
 * The `currencies` reference table: each currency's exponent, so analysts compute major units correctly.
 * Zero-decimal currencies per docs.stripe.com/currencies#zero-decimal; three-decimal currencies (BHD,
 * JOD, KWD, OMR, TND) per docs.stripe.com/currencies#three-decimal. Everything else Stripe supports uses
 * two decimals. (Stripe also lists special cases — e.g. HUF and TWD are charged as if zero-decimal for
 * payouts — which concern payout rounding, not how amounts are stored.)
 */
export const ZERO_DECIMAL = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'];
export const THREE_DECIMAL = ['bhd', 'jod', 'kwd', 'omr', 'tnd'];

/** Currencies Stripe presents in (docs.stripe.com/currencies), lower case as in the API. */
export const STRIPE_CURRENCIES = [
  'aed', 'afn', 'all', 'amd', 'ang', 'aoa', 'ars', 'aud', 'awg', 'azn', 'bam', 'bbd', 'bdt', 'bgn', 'bhd', 'bif', 'bmd',
  'bnd', 'bob', 'brl', 'bsd', 'bwp', 'byn', 'bzd', 'cad', 'cdf', 'chf', 'clp', 'cny', 'cop', 'crc', 'cve', 'czk', 'djf',
  'dkk', 'dop', 'dzd', 'egp', 'etb', 'eur', 'fjd', 'fkp', 'gbp', 'gel', 'gip', 'gmd', 'gnf', 'gtq', 'gyd', 'hkd', 'hnl',
  'htg', 'huf', 'idr', 'ils', 'inr', 'isk', 'jmd', 'jod', 'jpy', 'kes', 'kgs', 'khr', 'kmf', 'krw', 'kwd', 'kyd', 'kzt',
  'lak', 'lbp', 'lkr', 'lrd', 'lsl', 'mad', 'mdl', 'mga', 'mkd', 'mmk', 'mnt', 'mop', 'mur', 'mvr', 'mwk', 'mxn', 'myr',
  'mzn', 'nad', 'ngn', 'nio', 'nok', 'npr', 'nzd', 'omr', 'pab', 'pen', 'pgk', 'php', 'pkr', 'pln', 'pyg', 'qar', 'ron',
  'rsd', 'rub', 'rwf', 'sar', 'sbd', 'scr', 'sek', 'sgd', 'shp', 'sle', 'sos', 'srd', 'std', 'szl', 'thb', 'tjs', 'tnd',
  'top', 'try', 'ttd', 'twd', 'tzs', 'uah', 'ugx', 'usd', 'uyu', 'uzs', 'vnd', 'vuv', 'wst', 'xaf', 'xcd', 'xof', 'xpf',
  'yer', 'zar', 'zmw',
];

export interface CurrencyRow {
  code: string;
  exponent: number;
}

export function currencyRows(): CurrencyRow[] {
  return STRIPE_CURRENCIES.map((code) => ({
    code,
    exponent: ZERO_DECIMAL.includes(code) ? 0 : THREE_DECIMAL.includes(code) ? 3 : 2,
  }));
}
