/** Static export: `next build` writes web/out, served by `oceandash serve --static web/out`
 * or by any static file server (a separate frontend container). Paths end in a slash, so
 * /location/ is location/index.html. `next build` lints with .eslintrc.json and stops on an
 * error (scripts/web.sh lints first with --max-warnings 0, then builds with --no-lint). */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
};

export default nextConfig;
