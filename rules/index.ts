// Every rule leakhound ships, in id order. Adding a rule = its file + its fixture folder + a line here.
import type { AnyRule } from '../src/engine/types.js';
import consumerClosesChannel from './consumer-closes-channel.js';
import decompressionBomb from './decompression-bomb.js';
import deferInLoop from './defer-in-loop.js';
import goroutineBlockedSend from './goroutine-blocked-send.js';
import lostCancel from './lost-cancel.js';
import oversizedReflectPool from './oversized-reflect-pool.js';
import timeAfterInLoop from './time-after-in-loop.js';
import unboundedRead from './unbounded-read.js';
import unclosedBody from './unclosed-body.js';
import unclosedClient from './unclosed-client.js';
import unclosedResource from './unclosed-resource.js';
import unclosedRangeChannel from './unclosed-range-channel.js';
import unstoppedTicker from './unstopped-ticker.js';

export const allRules: AnyRule[] = [
  consumerClosesChannel,
  decompressionBomb,
  deferInLoop,
  goroutineBlockedSend,
  lostCancel,
  oversizedReflectPool,
  timeAfterInLoop,
  unboundedRead,
  unclosedBody,
  unclosedClient,
  unclosedResource,
  unclosedRangeChannel,
  unstoppedTicker,
];
