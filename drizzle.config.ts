import { defineConfig } from 'drizzle-kit';

// Used only by `npm run db:generate` to write SQL migrations from models/schema.ts.
export default defineConfig({
  dialect: 'postgresql',
  schema: './models/schema.ts',
  out: './models/migrations',
});
