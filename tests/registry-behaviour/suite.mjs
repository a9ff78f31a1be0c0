// Registers the scenarios of `scenarios.mjs` as node:test tests over one transport: every
// scenario, for every route (direct, through the proxy) and every registry (anonymous, htpasswd,
// token). Runs a transport cannot make are registered as skipped, with the reason.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { AUTHS, ROUTES, SCENARIOS, cannotRun, expected } from "./scenarios.mjs";

/**
 * `transport`: its name in `CANNOT`. `start()` starts what it needs (the world among it) and
 * returns `{ world, call(op, args, options), stop() }`: `call` runs one operation with the call's
 * options (`auth`, `proxy`) and returns its outcome. Returns a function that gives what `start`
 * returned, for a transport's own tests.
 */
export function defineSuite(transport, start) {
  let running;
  before(async () => {
    running = await start();
  });
  after(async () => {
    await running?.stop();
  });
  for (const route of ROUTES) {
    for (const auth of AUTHS) {
      for (const scenario of SCENARIOS) {
        const name = `${transport}, ${route}, ${auth}: ${scenario.name}`;
        const why = cannotRun(transport, route, auth, scenario);
        if (why) {
          test(name, { skip: why }, () => {});
          continue;
        }
        test(name, async (t) => {
          const { world } = running;
          const context = {
            reg: world.hosts[auth],
            other: world.other,
            recorded: world.recorded,
            huge: world.huge,
            route,
            seed: world.seed,
          };
          const credentials =
            scenario.credentials !== undefined ? scenario.credentials : world.credentials[auth];
          const options = {};
          if (credentials) options.auth = credentials;
          if (route === "proxy") options.proxy = world.proxy;
          world.recorder.take();
          const { message, ...outcome } = await running.call(
            scenario.op,
            scenario.args(context),
            options,
          );
          if (scenario.observe) Object.assign(outcome, scenario.observe(world));
          const want = expected(transport, route, scenario, context);
          if (want.why) t.diagnostic(`known departure: ${want.why}`);
          assert.deepEqual(outcome, want.outcome, message);
        });
      }
    }
  }
  return () => running;
}
