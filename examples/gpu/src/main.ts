// Placeholder written by the integrator; the owner replaces it.
export {};
