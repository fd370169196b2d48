/** Static export: `next build` writes web/out, served by `oceandash serve --static web/out`
 * or by any static file server (a separate frontend container). Paths end in a slash, so
 * /location/ is location/index.html. */
const nextConfig = {
  output: 'export',
  trailingSlash: true,
  reactStrictMode: true,
  poweredByHeader: false,
  images: { unoptimized: true },
  eslint: { ignoreDuringBuilds: true },
};

export default nextConfig;
