// A Samba AD DC of the calling suite's own, for tests that stop or slow it (test/faults/): the run's
// shared DC (global-setup.ts) is set aside while the suite runs, so every samba.ts helper (sambaEnv,
// lockOut, rawUser, stopSamba, restartSamba…) works on this one, and put back afterwards untouched.
import { removeSamba, startSamba, type SambaInfo } from './samba';

const ENV_DIR = 'SAMBA_TEST_DIR';

export interface OwnSamba {
  readonly info: SambaInfo;
  /** Stops and deletes this DC; the run's shared DC is the one the helpers reach again. */
  remove(): Promise<void>;
}

export async function startOwnSamba(): Promise<OwnSamba> {
  const shared = process.env[ENV_DIR];
  delete process.env[ENV_DIR];
  try {
    const info = await startSamba(); // a new folder, the next free loopback address
    return {
      info,
      async remove() {
        try {
          await removeSamba();
        } finally {
          if (shared) process.env[ENV_DIR] = shared;
        }
      },
    };
  } catch (e) {
    if (shared) process.env[ENV_DIR] = shared;
    throw e;
  }
}
