import cluster from 'node:cluster';
import type { NextFunction, Request, Response } from 'express';

/** This process's worker number under WORKERS > 1 (1, 2, … and higher for restarts); undefined when it serves alone. */
export function workerNumber(): number | undefined {
  return cluster.isWorker ? cluster.worker?.id : undefined;
}

/**
 * Names the worker that answered in `X-Pns-Worker`, so that an operator (or a test) can see
 * the requests spread over the workers and tell which one to look at in the logs.
 */
export function workerHeader(worker: number): (request: Request, response: Response, next: NextFunction) => void {
  const value = String(worker);
  return (_request, response, next) => {
    response.setHeader('X-Pns-Worker', value);
    next();
  };
}
