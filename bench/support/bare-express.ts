import express from 'express';

const app = express();
app.use(express.json({ limit: '1mb' }));
app.get('/bare', (_req, res) => {
  res.json({ ok: true });
});
app.post('/bare', (req, res) => {
  res.status(201).json({ ok: true, got: Object.keys(req.body ?? {}).length });
});
app.listen(Number(process.env.PORT), '127.0.0.1');
