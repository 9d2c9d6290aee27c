// Every rule leakhound ships, in id order. Adding a rule = its file + its fixture folder + a line here.
import type { AnyRule } from '../src/engine/types.js';
import oversizedReflectPool from './oversized-reflect-pool.js';
import unboundedRead from './unbounded-read.js';
import unclosedClient from './unclosed-client.js';

export const allRules: AnyRule[] = [oversizedReflectPool, unboundedRead, unclosedClient];
