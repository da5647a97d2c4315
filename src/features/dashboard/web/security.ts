/**
 * The headers on every dashboard answer. Scripts only from the app's own files (never inline, so
 * markup smuggled past the escaping still runs nothing), fetches and live updates only to here,
 * images from here (and the map's tile server when one is configured), forms only to here, never
 * in a frame, and no Referer: the login link carries its token in the path.
 */
export function securityHeaders(opts: { tileOrigin?: string } = {}): Record<string, string> {
  const img = ["'self'", 'data:', ...(opts.tileOrigin ? [opts.tileOrigin] : [])].join(' ');
  return {
    'content-security-policy': [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      `img-src ${img}`,
      "media-src 'self'",
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
    'x-frame-options': 'DENY',
  };
}
