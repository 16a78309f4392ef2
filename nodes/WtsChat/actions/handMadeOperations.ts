import type { HandMadeOperation } from '../../shared/engine/executeNode';
import { updateContact } from './contact/update.operation';
import { uploadFile } from './file/upload.operation';
import { sendFile } from './message/sendFile.operation';
import { sendTemplate } from './message/sendTemplate.operation';
import { sendText } from './message/sendText.operation';

/** Operations with hand-made fields; each replaces the generated operations it names in `replaces`. */
export const handMadeOperations: HandMadeOperation[] = [sendText, sendFile, sendTemplate, updateContact, uploadFile];
