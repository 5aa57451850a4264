export interface FaqEntry {
  question: string;
  answer: string;
}

/** A few Gatehouse FAQ entries for the demo's search_docs tool. */
export const FAQ: FaqEntry[] = [
  {
    question: "What is an agent key?",
    answer:
      "An agent key is the credential an MCP client uses to call /t/<tenant>/mcp as one agent. It is shown once when created, stored only as a hash, and never forwarded to upstream servers.",
  },
  {
    question: "How are tools named through the gateway?",
    answer:
      "Each tool appears as <server>__<tool>, for example demo__get_weather: the server's name in Gatehouse, two underscores, then the tool's own name.",
  },
  {
    question: "Why can't my agent see a tool?",
    answer:
      "Access is denied by default. A tool is listed and callable only when a rule in one of the agent's roles allows it; otherwise it looks exactly like a tool that does not exist.",
  },
  {
    question: "What does require_approval do?",
    answer:
      "A rule with the effect require_approval holds the call until a reviewer approves or denies it in the console. An approval is used once and expires if nobody decides in time.",
  },
  {
    question: "Where is the audit log?",
    answer:
      "Every call, decision and configuration change is written to the tenant's audit log, which is append-only and hash-chained. Auditors can search it in the console.",
  },
  {
    question: "How do I add an upstream server?",
    answer:
      "In the console, open Servers and add the server's URL and credentials. Credentials are encrypted at rest and injected by the gateway on each call; agents never see them.",
  },
];

const STOP_WORDS = new Set(["the", "and", "for", "are", "can", "does", "how", "what", "why", "with", "you", "this", "that"]);
const words = (value: string) => value.toLowerCase().match(/[a-z0-9_]+/g) ?? [];

/** Entries sharing the most words with the query, best first, at most three. */
export function searchFaq(query: string): FaqEntry[] {
  const wanted = new Set(words(query).filter((word) => word.length > 2 && !STOP_WORDS.has(word)));
  return FAQ.map((entry) => ({ entry, score: words(`${entry.question} ${entry.answer}`).filter((w) => wanted.has(w)).length }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, 3)
    .map(({ entry }) => entry);
}
