import type { HandMadeOperation } from '../../shared/engine/executeNode';
import { handOverConversation } from './conversation/handOver.operation';
import { createMessage } from './message/create.operation';

/** Operations with hand-made fields; each replaces the generated operations it names in `replaces`. */
export const handMadeOperations: HandMadeOperation[] = [createMessage, handOverConversation];
