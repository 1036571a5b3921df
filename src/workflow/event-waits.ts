import type { OrchestrationContext, Task } from 'durable-functions';

/**
 * External events for an orchestrator that races its waits against timers. The SDK hands an event
 * to the newest open wait of its name, and a wait that lost a race stays open, so an event arriving
 * while the orchestrator is busy (an activity running, or a second event in the same episode) can
 * land on such a stale wait. Every wait is therefore kept until its event is acted on, and a wait
 * whose event already arrived is acted on before a new wait is issued.
 */
export class EventWaits {
  private readonly waits = new Map<string, Task[]>();

  constructor(private readonly context: OrchestrationContext) {}

  /**
   * A wait for `name`: one whose event already arrived, or a fresh one. Events go to the newest
   * waits first, so among arrived ones the newest holds the earliest event.
   */
  for(name: string): Task {
    const issued = this.waits.get(name) ?? [];
    const arrived = [...issued].reverse().find((wait) => wait.isCompleted);
    if (arrived) return arrived;
    const fresh = this.context.df.waitForExternalEvent(name);
    this.waits.set(name, [...issued, fresh]);
    return fresh;
  }

  /** The wait's event was acted on: later calls for its name look past it. */
  handled(task: Task): void {
    for (const [name, issued] of this.waits)
      this.waits.set(
        name,
        issued.filter((wait) => wait !== task),
      );
  }
}
