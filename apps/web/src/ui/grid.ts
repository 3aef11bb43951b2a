/**
 * The responsive video grid: 1–25 tiles in a near-square grid that fills the stage (columns =
 * ceil(sqrt(n)), fewer on a narrow screen), or one pinned tile large with the others in a strip.
 */
import { h } from "./dom.ts";
import { Tile } from "./tile.ts";

export class Grid {
  readonly el = h("section", { class: "grid", "aria-label": "Participants' video" });
  readonly tiles = new Map<string, Tile>();
  private pinned: string | null = null;

  tile(key: string, opts: { member?: string; screen?: boolean; local?: boolean }): Tile {
    let t = this.tiles.get(key);
    if (t) return t;
    t = new Tile(key, { ...opts, onPin: () => this.pin(this.pinned === key ? null : key) });
    this.tiles.set(key, t);
    // Screen shares go first: they are what people look at.
    if (opts.screen) this.el.prepend(t.el);
    else this.el.append(t.el);
    this.layout();
    return t;
  }

  remove(key: string): void {
    const t = this.tiles.get(key);
    if (!t) return;
    t.setStream(null);
    t.el.remove();
    this.tiles.delete(key);
    if (this.pinned === key) this.pinned = null;
    this.layout();
  }

  pin(key: string | null): void {
    this.pinned = key;
    for (const [k, t] of this.tiles) t.setPinned(k === key);
    this.layout();
  }

  layout(): void {
    const n = this.tiles.size;
    const narrow = matchMedia("(max-width: 640px)").matches;
    const cols = narrow ? (n <= 1 ? 1 : n <= 4 ? Math.min(n, 2) : 3) : Math.ceil(Math.sqrt(n));
    const rows = Math.max(1, Math.ceil(n / cols));
    this.el.style.setProperty("--cols", String(cols));
    this.el.style.setProperty("--rows", String(rows));
    this.el.classList.toggle("has-pin", this.pinned !== null);
    this.el.dataset.count = String(n);
  }
}
