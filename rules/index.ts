// Every rule leakhound ships, in id order. Adding a rule = its file + its fixture folder + a line here.
import type { AnyRule } from '../src/engine/types.js';
import goroutineBlockedSend from './goroutine-blocked-send.js';

export const allRules: AnyRule[] = [goroutineBlockedSend];
