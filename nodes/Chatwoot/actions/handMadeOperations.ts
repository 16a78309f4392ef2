import type { HandMadeOperation } from '../../shared/engine/executeNode';

/** Operations with hand-made fields; each replaces the generated operations it names in `replaces`. */
export const handMadeOperations: HandMadeOperation[] = [];
