/** Vitest global setup (Node): starts the scripted service and hands its base URL to the tests. */
import type { TestProject } from "vitest/node";
import { startScriptedService } from "./scripted-service.ts";

declare module "vitest" {
  export interface ProvidedContext {
    serviceBase: string;
  }
}

export default async function setup(project: TestProject) {
  const { server, base } = await startScriptedService();
  project.provide("serviceBase", base);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
