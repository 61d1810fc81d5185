/**
 * Progress while applying: one line per resource as it finishes; on a terminal a spinner shows
 * the resource being written (and its retries) until then.
 */

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  start(label: string): void;
  note(text: string): void;
  done(line: string): void;
  stop(): void;
}

export function progress(write: (text: string) => void, tty: boolean): Progress {
  let timer: ReturnType<typeof setInterval> | undefined;
  let label = '';
  let frame = 0;
  const clear = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
    if (tty && label) write('\r\x1b[K');
  };
  return {
    start(text) {
      clear();
      label = text;
      if (!tty) return;
      const draw = () => write(`\r\x1b[K${FRAMES[frame++ % FRAMES.length]} ${label}`);
      draw();
      timer = setInterval(draw, 80);
      timer.unref();
    },
    note(text) {
      if (tty) {
        label = `${label.split(' — ')[0]} — ${text}`;
        return;
      }
      write(`    ${text}\n`);
    },
    done(line) {
      clear();
      label = '';
      write(`${line}\n`);
    },
    stop() {
      clear();
      label = '';
    },
  };
}
