// Every rule leakhound ships, in id order. Adding a rule = its file + its fixture folder + a line here.
import type { AnyRule } from '../src/engine/types.js';
import blockedReceive from './blocked-receive.js';
import blockingUnderLock from './blocking-under-lock.js';
import consumerClosesChannel from './consumer-closes-channel.js';
import doubleLock from './double-lock.js';
import goroutineBlockedSend from './goroutine-blocked-send.js';
import lockNotReleased from './lock-not-released.js';
import lostCancel from './lost-cancel.js';
import oversizedReflectPool from './oversized-reflect-pool.js';
import unboundedRead from './unbounded-read.js';
import unclosedClient from './unclosed-client.js';
import unclosedRangeChannel from './unclosed-range-channel.js';
import waitgroupMisuse from './waitgroup-misuse.js';

export const allRules: AnyRule[] = [
  blockedReceive,
  blockingUnderLock,
  consumerClosesChannel,
  doubleLock,
  goroutineBlockedSend,
  lockNotReleased,
  lostCancel,
  oversizedReflectPool,
  unboundedRead,
  unclosedClient,
  unclosedRangeChannel,
  waitgroupMisuse,
];
