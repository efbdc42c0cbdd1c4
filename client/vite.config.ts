// Vite build of monitor-client: the SPA (index.html) and the GraphiQL page (graphiql.html),
// both emitted into dist/ with absolute /assets/ URLs, as the monitor server serves them.
import { resolve } from 'node:path';
import { type Plugin, defineConfig } from 'vite';

// Where `npm run dev` forwards the API; point it at any running monitor.
const target = process.env.MONITOR_URL ?? 'http://127.0.0.1:8080';

// In the dev server, answer /graphiql with the GraphiQL page as monitor does.
const graphiqlRoute: Plugin = {
  name: 'monitor-graphiql-route',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url === '/graphiql' || req.url?.startsWith('/graphiql?')) req.url = req.url.replace('/graphiql', '/graphiql.html');
      next();
    });
  },
};

export default defineConfig({
  base: '/',
  plugins: [graphiqlRoute],
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // GraphiQL with React and CodeMirror is one large chunk, loaded only on /graphiql.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      onwarn(warning, warn) {
        // GraphiQL's Radix dependencies say "use client", which only matters to React Server Components.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        graphiql: resolve(import.meta.dirname, 'graphiql.html'),
      },
    },
  },
  server: {
    proxy: {
      '/graphql': { target, ws: true, changeOrigin: true },
      '/backup': { target, changeOrigin: true },
    },
  },
});
