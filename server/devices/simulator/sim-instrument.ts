/**
 * The simulated temperature controller behind `labflow simulate-instrument`: a heater whose
 * temperature follows the setpoint at the ramp rate (K/min) with a little Gaussian noise, and a
 * streaming acquisition that produces one reading per interval with exact, monotonic timestamps.
 */

const AMBIENT = 22;
const NOISE_SIGMA = 0.02;

export interface SimReading {
  /** Epoch ms. */
  t: number;
  temperature: number;
  setpoint: number;
}

export interface Acquisition {
  intervalMs: number;
  /** Readings to take before stopping by itself; undefined: until stopped. */
  count: number | undefined;
  startedAt: number;
  taken: number;
}

export class SimInstrument {
  setpoint = AMBIENT;
  /** K/min. */
  rampRate = 10;
  acquisition: Acquisition | undefined;
  /** Readings taken by the last acquisition, once it stopped. */
  lastCount = 0;
  private anchorT: number;
  private anchorTemperature = AMBIENT;

  constructor(
    private readonly clock: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.anchorT = clock();
  }

  /** The true (noise-free) temperature at time `t`: a linear ramp from the last anchor, capped at the setpoint. */
  trueTemperature(t: number): number {
    const minutes = Math.max(0, t - this.anchorT) / 60_000;
    const span = this.setpoint - this.anchorTemperature;
    const moved = Math.min(Math.abs(span), this.rampRate * minutes);
    return this.anchorTemperature + Math.sign(span) * moved;
  }

  measure(t = this.clock()): number {
    return round(this.trueTemperature(t) + gaussian(this.random) * NOISE_SIGMA, 3);
  }

  setSetpoint(value: number): void {
    this.reanchor();
    this.setpoint = value;
  }

  setRampRate(value: number): void {
    this.reanchor();
    this.rampRate = value;
  }

  reset(): void {
    this.acquisition = undefined;
    this.setpoint = AMBIENT;
    this.rampRate = 10;
    this.anchorT = this.clock();
    this.anchorTemperature = AMBIENT;
  }

  startAcquisition(intervalMs: number, count: number | undefined): void {
    this.acquisition = { intervalMs, count, startedAt: this.clock(), taken: 0 };
  }

  stopAcquisition(): Acquisition | undefined {
    const stopped = this.acquisition;
    if (stopped) this.lastCount = stopped.taken;
    this.acquisition = undefined;
    return stopped;
  }

  /**
   * The readings now due (reading i is taken at startedAt + i * interval), each timestamped with
   * its own due time, so timestamps are exact and monotonic however late the caller is.
   */
  takeDueReadings(now = this.clock()): SimReading[] {
    const acq = this.acquisition;
    if (!acq) return [];
    let due = Math.floor((now - acq.startedAt) / acq.intervalMs) + 1;
    if (acq.count !== undefined) due = Math.min(due, acq.count);
    const readings: SimReading[] = [];
    for (; acq.taken < due; acq.taken++) {
      const t = acq.startedAt + acq.taken * acq.intervalMs;
      readings.push({ t, temperature: this.measure(t), setpoint: this.setpoint });
    }
    return readings;
  }

  /** Whether the acquisition took all the readings it was asked for. */
  get acquisitionDone(): boolean {
    const acq = this.acquisition;
    return acq?.count !== undefined && acq.taken >= acq.count;
  }

  private reanchor(): void {
    const now = this.clock();
    this.anchorTemperature = this.trueTemperature(now);
    this.anchorT = now;
  }
}

function gaussian(random: () => number): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
