import type { HandMadeOperation } from '../../shared/engine/executeNode';
import { handOverConversation } from './conversation/handOver.operation';
import { addNote } from './message/addNote.operation';
import { createMessage } from './message/create.operation';
import { sendAttachments } from './message/sendAttachments.operation';

/** Operations with hand-made fields; each replaces the generated operations it names in `replaces`. */
export const handMadeOperations: HandMadeOperation[] = [createMessage, addNote, sendAttachments, handOverConversation];
