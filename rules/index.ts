// Every rule leakhound ships, in id order. Adding a rule = its file + its fixture folder + a line here.
import type { AnyRule } from '../src/engine/types.js';
import blockedReceive from './blocked-receive.js';
import blockingUnderLock from './blocking-under-lock.js';
import consumerClosesChannel from './consumer-closes-channel.js';
import decompressionBomb from './decompression-bomb.js';
import deferInLoop from './defer-in-loop.js';
import doubleLock from './double-lock.js';
import goroutineBlockedSend from './goroutine-blocked-send.js';
import lockNotReleased from './lock-not-released.js';
import lostCancel from './lost-cancel.js';
import oversizedReflectPool from './oversized-reflect-pool.js';
import timeAfterInLoop from './time-after-in-loop.js';
import unboundedRead from './unbounded-read.js';
import unclosedBody from './unclosed-body.js';
import unclosedClient from './unclosed-client.js';
import unclosedRangeChannel from './unclosed-range-channel.js';
import unclosedResource from './unclosed-resource.js';
import unstoppedTicker from './unstopped-ticker.js';
import waitgroupMisuse from './waitgroup-misuse.js';

export const allRules: AnyRule[] = [
  blockedReceive,
  blockingUnderLock,
  consumerClosesChannel,
  decompressionBomb,
  deferInLoop,
  doubleLock,
  goroutineBlockedSend,
  lockNotReleased,
  lostCancel,
  oversizedReflectPool,
  timeAfterInLoop,
  unboundedRead,
  unclosedBody,
  unclosedClient,
  unclosedRangeChannel,
  unclosedResource,
  unstoppedTicker,
  waitgroupMisuse,
];
