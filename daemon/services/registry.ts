// Everything that runs in the background is a service {name, start, stop}: registered in order, started in that order,
// stopped in reverse; one that fails to start stops the ones before it and names itself in the error.
import type { Logger } from '../log.js';

export interface Service {
  readonly name: string;
  start(): void | Promise<void>;
  stop(): void | Promise<void>;
}

export class ServiceStartError extends Error {
  override name = 'ServiceStartError';
  constructor(
    readonly service: string,
    cause: unknown,
  ) {
    super(`the ${service} service could not start: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class ServiceRegistry {
  private readonly services: Service[] = [];
  private running: Service[] = [];
  private state: 'idle' | 'started' | 'stopped' = 'idle';

  constructor(private readonly log: Logger) {}

  add(service: Service): void {
    if (this.state !== 'idle') throw new Error(`service ${service.name} registered after start`);
    if (this.services.some((s) => s.name === service.name)) throw new Error(`two services are named ${service.name}`);
    this.services.push(service);
  }

  get names(): string[] {
    return this.services.map((s) => s.name);
  }

  /** Start each in order; if one fails, stop those already started (in reverse) and throw naming it. */
  async startAll(): Promise<void> {
    this.state = 'started';
    for (const service of this.services) {
      try {
        await service.start();
      } catch (error) {
        await this.stopAll();
        throw new ServiceStartError(service.name, error);
      }
      this.running.push(service);
      this.log.debug('service started', { service: service.name });
    }
  }

  /** Stop what runs, in reverse order; a service that fails to stop is logged and the rest still stop. */
  async stopAll(): Promise<void> {
    this.state = 'stopped';
    for (const service of this.running.reverse()) {
      try {
        await service.stop();
      } catch (error) {
        this.log.error('a service failed to stop', { service: service.name, error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.running = [];
  }
}
