/** The slurmrestd API version labflow's typed client is generated for (Slurm 22.05). */
export const SLURM_API_VERSION = "v0.0.38";
