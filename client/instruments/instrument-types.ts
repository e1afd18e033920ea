/** Which modules' jobs have live data. Pipelines and job data are the contract's (server/schema/pipelines-api.ts). */

/** Module types whose jobs keep a data file (and get a live plot). */
export const hasJobData = (moduleType: string): boolean => moduleType.startsWith("instruments.");
