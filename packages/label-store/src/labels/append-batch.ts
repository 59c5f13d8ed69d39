import type { NewAnswer } from './answers.js';
import type { LabelAnswer } from './label-csv.js';
import { LabelInputError } from './label-input-error.js';

/** Result of one append call. */
export interface AppendResult {
  /** Answers of the call that are now in the file, whether written now or found there already. */
  recorded: number;
  /** Answers of the call that were already in the file (or earlier in the same write) and so were not written again. */
  duplicates: number;
}

/** An append call waiting for the write that will contain its rows. */
export interface PendingAppend {
  annotator: string;
  answers: readonly NewAnswer[];
  /** Server time of the call, written into every row of the call. */
  labeledAt: string;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/** The outcome of one batch write for each of its calls. */
export interface BatchPlan {
  /** New rows to append, in call order. */
  rows: LabelAnswer[];
  accepted: { call: PendingAppend; result: AppendResult }[];
  /** Calls that reuse an answer id for a different answer. None of their rows is written. */
  rejected: { call: PendingAppend; error: LabelInputError }[];
}

/**
 * Removes the next batch from the front of `queue`: whole calls, in order, up to `maxAnswers`
 * answers, and always at least one call.
 */
export function takeBatch(queue: PendingAppend[], maxAnswers: number): PendingAppend[] {
  let answerCount = 0;
  let callCount = 0;
  for (const call of queue) {
    if (callCount > 0 && answerCount + call.answers.length > maxAnswers) break;
    answerCount += call.answers.length;
    callCount += 1;
  }
  return queue.splice(0, callCount);
}

/**
 * Decides, against the answers already recorded, which rows a write adds for each call. An
 * answer whose id is already recorded with the same image, label and annotator is a duplicate
 * (a resent request) and is not written again. An id recorded with different data makes its
 * whole call fail with `ANSWER_ID_REUSED`, and the other calls go on. Calls are taken in order,
 * so a later call in the same batch finds the rows of the earlier ones.
 */
export function planBatch(
  recorded: ReadonlyMap<string, { answer: LabelAnswer }>,
  calls: readonly PendingAppend[],
): BatchPlan {
  const plan: BatchPlan = { rows: [], accepted: [], rejected: [] };
  const added = new Map<string, LabelAnswer>();

  for (const call of calls) {
    const rows: LabelAnswer[] = [];
    let duplicates = 0;
    let error: LabelInputError | undefined;

    for (const [index, answer] of call.answers.entries()) {
      const existing = recorded.get(answer.answerId)?.answer ?? added.get(answer.answerId);
      if (existing === undefined) {
        rows.push({ ...answer, annotator: call.annotator, labeledAt: call.labeledAt });
      } else if (existing.image === answer.image && existing.label === answer.label && existing.annotator === call.annotator) {
        duplicates += 1;
      } else {
        error = reusedAnswerIdError(index, answer, existing);
        break;
      }
    }

    if (error !== undefined) {
      plan.rejected.push({ call, error });
      continue;
    }
    for (const row of rows) added.set(row.answerId, row);
    plan.rows.push(...rows);
    plan.accepted.push({ call, result: { recorded: call.answers.length, duplicates } });
  }
  return plan;
}

function reusedAnswerIdError(index: number, answer: NewAnswer, existing: LabelAnswer): LabelInputError {
  const field = `answers[${index}].answerId`;
  return new LabelInputError(
    'ANSWER_ID_REUSED',
    field,
    `${field} ${answer.answerId} is already recorded for another answer (image ${existing.image}, ` +
      `label ${existing.label}, annotator ${JSON.stringify(existing.annotator)}); ` +
      'create a new UUID for every answer and resend the same UUID only for the same answer',
    {
      value: answer.answerId,
      index,
      recorded: { image: existing.image, label: existing.label, annotator: existing.annotator },
    },
  );
}
