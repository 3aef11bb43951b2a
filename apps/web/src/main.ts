/** Web client entry. The call UI arrives with the web client issue; this shows the room server it talks to. */
export {};

interface Health {
  name: string;
  version: string;
  commit?: string;
}

async function showServer(el: HTMLElement): Promise<void> {
  try {
    const res = await fetch("/healthz");
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const health = (await res.json()) as Health;
    el.textContent = `Room server ${health.name} ${health.version}${health.commit ? ` (${health.commit.slice(0, 12)})` : ""} is up.`;
  } catch (err) {
    el.textContent = `Room server unreachable: ${err instanceof Error ? err.message : String(err)}`;
  }
}

const statusLine = document.getElementById("status");
if (statusLine) void showServer(statusLine);
