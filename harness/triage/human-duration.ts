import { formatDuration } from "../report/html/time-axis.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A duration as an incident report wants it: exact below a minute (`250 ms`, `17.03 s`, via the run
 * report's formatter), then two round units (`4 min 5 s`, `2 h 1 min`, `1 d 1 h`) — "2 h 59.947 s" reads
 * like three hours when it is two.
 */
export function humanDuration(ms: number): string {
  if (ms < MINUTE) return formatDuration(Math.round(ms * 1000) / 1000);
  const [big, small, bigUnit, smallUnit] =
    ms < HOUR ? [MINUTE, SECOND, "min", "s"] : ms < DAY ? [HOUR, MINUTE, "h", "min"] : [DAY, HOUR, "d", "h"];
  const total = Math.round(ms / small);
  const perBig = big / small;
  const whole = Math.floor(total / perBig);
  const rest = total % perBig;
  return rest === 0 ? `${whole} ${bigUnit}` : `${whole} ${bigUnit} ${rest} ${smallUnit}`;
}
