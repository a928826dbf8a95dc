export async function GET(_request: Request) {
  return new Response('Hello, from API!');
}
