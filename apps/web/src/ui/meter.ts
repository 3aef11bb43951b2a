/**
 * A microphone level from a track (Web Audio `AnalyserNode`, RMS of the time-domain samples, 0..1),
 * read ten times a second. Used by the lobby meter, the own tile's speaking ring and the "you are muted"
 * hint: it analyses a clone of the microphone track, so it keeps hearing while the sent track is muted.
 */
const ctx = () => {
  const C = globalThis.AudioContext;
  return C ? new C() : null;
};

export function levelMeter(track: MediaStreamTrack, onLevel: (level: number) => void): () => void {
  const ac = ctx();
  if (!ac) return () => undefined;
  const clone = track.clone();
  clone.enabled = true;
  const src = ac.createMediaStreamSource(new MediaStream([clone]));
  const an = ac.createAnalyser();
  an.fftSize = 512;
  src.connect(an);
  const buf = new Float32Array(an.fftSize);
  const resume = () => void ac.resume();
  document.addEventListener("pointerdown", resume, { once: true });
  void ac.resume();
  const timer = setInterval(() => {
    an.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    onLevel(Math.min(1, Math.sqrt(sum / buf.length) * 4));
  }, 100);
  return () => {
    clearInterval(timer);
    document.removeEventListener("pointerdown", resume);
    clone.stop();
    void ac.close();
  };
}
