// PostGraphile v5, the other contender of benches/kanazawa.sh: the stock
// "amber" preset (default inflection: memberById, serviceLocationsByMemberId,
// billsByServiceLocationId, allNotices, ...) plus the connection-filter
// plugin, so the notices a member may see (`member_id IS NULL OR member_id =
// $1`, published by now) can be asked for as the service asks for them.
// No auth, no JWT, no watch mode, no GraphiQL, no explain: the production
// shape of a PostGraphile server. The script copies this file next to the
// node_modules it installs (outside the repository) and starts
//   postgraphile -C graphile.config.mjs
// with DATABASE_URL, POSTGRAPHILE_PORT and PG_POOL_MAX in the environment.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { PostGraphileConnectionFilterPreset } from "postgraphile-plugin-connection-filter";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PostGraphileConnectionFilterPreset],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: ["public"],
      // The same number of database connections as the service's pool
      // (src/db/mod.rs: max_connections(16) on PostgreSQL).
      poolConfig: { max: Number(process.env.PG_POOL_MAX ?? 16) },
    }),
  ],
  grafserv: {
    host: "127.0.0.1",
    port: Number(process.env.POSTGRAPHILE_PORT ?? 5678),
    graphiql: false,
    watch: false,
  },
  grafast: { explain: false },
};

export default preset;
