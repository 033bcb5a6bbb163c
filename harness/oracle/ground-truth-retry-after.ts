/**
 * The oracle's own reading of the Retry-After forms a provider sent (SPEC §3): which wait a correct engine
 * reports as `retry_after_ms`. Restated here rather than imported from `src/`, so a wrong reading in the
 * engine is judged by different code.
 */

/** The forms of Retry-After one answer carried, as sent (null: absent). Mirrors the fleet's record. */
export interface RetryAfterForms {
  readonly ms_header: string | null;
  readonly header: string | null;
  readonly retry_info: string | null;
  readonly text: string | null;
}

/** The wait a correct engine reports, as a closed range (an HTTP date depends on when it was read). */
export interface ExpectedWait {
  readonly min: number;
  readonly max: number;
  /** Which form decided, for messages: `retry-after-ms: 3500`. */
  readonly source: string;
}

/** A plain non-negative decimal ("12", "1.5"). */
const DECIMAL = /^\s*\d+(?:\.\d+)?\s*$/;
/** "34.4s", Gemini's JSON form of a protobuf Duration. */
const PROTO_DURATION = /^\s*(\d+(?:\.\d+)?)s\s*$/;
/** The number and unit of a delay phrase: "try again in 644ms", "retry after 7 seconds". */
const PHRASE_VALUE = /(\d+(?:\.\d+)?)\s?(ms|milliseconds?|s|sec|seconds?)\b/i;

/** An exact wait: engines may round a fractional value either way, so allow the whole millisecond around it. */
function exact(ms: number, source: string): ExpectedWait {
  return { min: Math.floor(ms), max: Math.ceil(ms), source };
}

/**
 * The wait the forms ask for, taking the first usable one in SPEC §3 order: `retry-after-ms`, `retry-after`
 * (seconds, or an HTTP date read between `readFrom` and `readBy` on the engine's clock), Gemini's
 * RetryInfo, then the message text. Negative or unparseable values are skipped. Null: no usable form, so a
 * correct engine reports `retry_after_ms: null`.
 */
export function expectedRetryAfter(
  forms: RetryAfterForms,
  readFrom: number,
  readBy: number,
): ExpectedWait | null {
  if (forms.ms_header !== null && DECIMAL.test(forms.ms_header))
    return exact(Number(forms.ms_header), `retry-after-ms: ${forms.ms_header}`);
  if (forms.header !== null) {
    const source = `retry-after: ${forms.header}`;
    if (DECIMAL.test(forms.header)) return exact(Number(forms.header) * 1000, source);
    const at = Date.parse(forms.header);
    // A date already past when the engine read it is ignored (negative), and the next form decides.
    if (!Number.isNaN(at) && at - readFrom >= 0)
      return { min: Math.max(0, Math.floor(at - readBy)), max: Math.ceil(at - readFrom), source };
  }
  const info = forms.retry_info === null ? null : PROTO_DURATION.exec(forms.retry_info);
  if (info?.[1] !== undefined)
    return exact(Number(info[1]) * 1000, `RetryInfo.retryDelay: ${String(forms.retry_info)}`);
  const phrase = forms.text === null ? null : PHRASE_VALUE.exec(forms.text);
  if (phrase?.[1] !== undefined && phrase[2] !== undefined) {
    const unit = phrase[2].toLowerCase();
    const ms = Number(phrase[1]) * (unit === "ms" || unit.startsWith("milli") ? 1 : 1000);
    return exact(ms, `message text "${String(forms.text)}"`);
  }
  return null;
}
