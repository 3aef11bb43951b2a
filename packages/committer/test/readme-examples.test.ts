import { readmeExamples } from "@sealroom/vitest-config/readme-examples";

readmeExamples(new URL(".", import.meta.url), 2);
