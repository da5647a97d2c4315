// Run once by the mongo image, when its data folder is new (docker-compose.yml): the app's own
// user, with read and write on its database only, so the bot and worker never hold the root password.
db.getSiblingDB('totuquan').createUser({
  user: process.env.MONGO_APP_USER,
  pwd: process.env.MONGO_APP_PASSWORD,
  roles: [{ role: 'readWrite', db: 'totuquan' }],
});
