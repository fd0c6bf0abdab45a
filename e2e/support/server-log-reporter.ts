import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { ECHO_SERVER_LOG, SERVER_LOG_FILE, markServerLog } from "./server-log";

/**
 * Keeps the app server's output out of a passing run, and shows it where it helps: after a test
 * that failed, what the server printed during that test (and the log's path at the end of the run).
 */
export default class ServerLogReporter implements Reporter {
  private marks = new Map<string, ReturnType<typeof markServerLog>>();
  private failed = false;

  onTestBegin(test: TestCase) {
    this.marks.set(test.id, markServerLog());
  }

  onTestEnd(test: TestCase, result: TestResult) {
    const mark = this.marks.get(test.id);
    this.marks.delete(test.id);
    if (result.status === test.expectedStatus || result.status === "skipped") return;
    this.failed = true;
    if (ECHO_SERVER_LOG || !mark) return; // already on the terminal
    const output = mark.text().trimEnd();
    process.stderr.write(
      `\n── app server output during "${test.title}" ──\n${output || "(nothing)"}\n── end of app server output ──\n`,
    );
  }

  onEnd(result: FullResult) {
    if (this.failed || result.status !== "passed") process.stderr.write(`The app server's whole output: ${SERVER_LOG_FILE}\n`);
  }

  printsToStdio() {
    return false;
  }
}
