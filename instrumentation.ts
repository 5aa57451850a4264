export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { initialize } = await import("./lib/startup");
  await initialize();
}
