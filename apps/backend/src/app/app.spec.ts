import { buildApp } from './app';

describe('GET /', () => {
  it('names the API and where its docs live', async () => {
    const app = buildApp();
    const response = await app.inject({ method: 'GET', url: '/' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ message: 'Todo AI Chatbot API', docs: '/docs' });
    await app.close();
  });
});
