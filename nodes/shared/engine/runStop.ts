/**
 * The stop of a run without Continue On Fail: set by the first failed send, after which no request of the
 * run starts (the client refuses them) and no further item is taken up. Requests already in flight finish.
 */
export class RunStop {
	private isStopped = false;

	get stopped(): boolean {
		return this.isStopped;
	}

	stop(): void {
		this.isStopped = true;
	}
}
