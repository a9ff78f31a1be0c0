// The behaviour suite over the npm package in Node (fetch, and node:http for streamed uploads).
import * as api from "indexsmith";
import { callNpm } from "./npm-calls.mjs";
import { defineSuite } from "./suite.mjs";
import { startWorld } from "./world.mjs";

defineSuite("node", async () => {
  const world = await startWorld();
  return {
    world,
    call: (op, args, options) => callNpm(api, op, args, options),
    stop: () => world.stop(),
  };
});
