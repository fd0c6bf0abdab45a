// The seed's second parsing thread (read-table.ts): parses each piece of a 600k-format file it is
// sent (chunk.ts) and sends the columns back, their buffers transferred rather than copied.
import { parentPort } from "node:worker_threads";
import { parseChunk, transferablesOf } from "./chunk";
import type { ChunkJob, ChunkReply } from "./read-table";

parentPort!.on("message", (job: ChunkJob) => {
  let reply: ChunkReply;
  try {
    const parsed = parseChunk(job.bytes, job.index, job.options);
    reply = { id: job.id, parsed };
    parentPort!.postMessage(reply, transferablesOf(parsed));
  } catch (error) {
    // An unclosed quote (CsvSyntaxError): the file's error, reported when this piece's turn comes.
    reply = { id: job.id, error: (error as Error).message };
    parentPort!.postMessage(reply);
  }
});
